// Huis Clos: uploads into an aside (every `.aside-uploader` box). Each file goes up in one
// request to the aside's upload API (`data-url`, raw body, streamed and encrypted under the
// aside's key on the server), with a progress bar named after the file; once every file is
// in, the page reloads to list them. An aside holds few, small documents: no resuming here
// (the shared room's uploader resumes large files).
"use strict";

(function () {
  const csrf = () => {
    const m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute("content") : "";
  };

  function row(box, file) {
    const li = document.createElement("li");
    const label = document.createElement("span");
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", (box.dataset.progress || "") + " " + file.name);
    li.append(label, bar);
    box.querySelector(".progress-list").append(li);
    return {
      state(which) {
        label.textContent = file.name + " — " + (box.dataset[which] || "");
        li.className = which;
      },
      at(loaded) {
        bar.value = file.size ? Math.floor((loaded / file.size) * 100) : 100;
      },
    };
  }

  function upload(box, file) {
    const r = row(box, file);
    r.state("uploading");
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", box.dataset.url + "?name=" + encodeURIComponent(file.name));
      xhr.setRequestHeader("X-CSRF-Token", csrf());
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      xhr.upload.onprogress = (e) => r.at(e.loaded);
      xhr.onload = () => {
        const ok = xhr.status === 201;
        if (ok) r.at(file.size);
        r.state(ok ? "uploaded" : "failed");
        resolve(ok);
      };
      xhr.onerror = () => {
        r.state("failed");
        resolve(false);
      };
      xhr.send(file);
    });
  }

  async function uploadAll(box, files) {
    const results = [];
    for (const f of files) results.push(await upload(box, f));
    if (results.length && results.every(Boolean)) window.location.reload();
  }

  document.querySelectorAll(".aside-uploader").forEach((box) => {
    const input = box.querySelector('input[type="file"]');
    const zone = box.querySelector(".dropzone");
    input.addEventListener("change", () => uploadAll(box, Array.from(input.files)));
    zone.addEventListener("dragover", (e) => {
      e.preventDefault();
      zone.classList.add("over");
    });
    zone.addEventListener("dragleave", () => zone.classList.remove("over"));
    zone.addEventListener("drop", (e) => {
      e.preventDefault();
      zone.classList.remove("over");
      uploadAll(box, Array.from(e.dataTransfer.files));
    });
  });
})();
