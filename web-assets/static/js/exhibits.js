// Huis Clos exhibits: a file chosen in the "upload an exhibit" form is sent as it is (the raw
// bytes, streamed and encrypted by the server) to POST /api/v1/spaces/{id}/exhibits, with
// its title, date and place in the query; then the page reloads with the new number.
"use strict";

(function () {
  const csrf = () => {
    const m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute("content") : "";
  };

  function bind(form) {
    const status = form.querySelector(".upload-status");
    const button = form.querySelector('button[type="submit"]');
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const file = form.querySelector('input[type="file"]').files[0];
      if (!file) return;
      const q = new URLSearchParams({
        name: file.name,
        title: form.querySelector('input[name="title"]').value,
        date: form.querySelector('input[name="date"]').value,
        after: form.querySelector('select[name="after"]').value,
      });
      const space = encodeURIComponent(form.dataset.space);
      button.disabled = true;
      status.textContent = form.dataset.sending;
      try {
        const res = await fetch("/api/v1/spaces/" + space + "/exhibits?" + q.toString(), {
          method: "POST",
          headers: { "X-CSRF-Token": csrf(), "Content-Type": "application/octet-stream" },
          body: file,
          credentials: "same-origin",
        });
        if (res.status === 201) {
          // Read the answer to its end first: leaving the page would cut it (an aborted request).
          await res.text();
          window.location.assign("/spaces/" + space + "/exhibits?notice=added");
          return;
        }
        let message = form.dataset.failed;
        try {
          const body = await res.json();
          if (body && body.message) message = body.message;
        } catch (e) {
          /* not JSON: keep the generic message */
        }
        status.textContent = message;
      } catch (e) {
        status.textContent = form.dataset.failed;
      }
      button.disabled = false;
    });
  }

  document.querySelectorAll("form.exhibit-upload").forEach(bind);
})();
