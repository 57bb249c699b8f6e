// Huis Clos drop box (a `.deposit-uploader` box on the visitor's page): each chosen file is
// sent on its own, one after the other, as the raw body of POST {data-endpoint}?name=NAME,
// with a progress bar per file named after it; the server answers its size and SHA-256,
// shown in the list of files received, or a message saying which limit refused it. The
// "send" button waits while a file is on its way. Also: copy buttons (`data-copy`) of the
// firm admin's settings.
"use strict";

(function () {
  const csrf = () => {
    const m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute("content") : "";
  };

  // As the pages write sizes (web/words/size.rs): powers of 1000, one decimal, a decimal
  // comma in French, a no-break space before the unit.
  function human(bytes, units) {
    let n = bytes;
    let i = 0;
    while (n >= 1000 && i < units.length - 1) {
      n /= 1000;
      i += 1;
    }
    if (i === 0) return String(n) + "\u00a0" + units[0];
    let text = n.toFixed(1).replace(/\.0$/, "");
    if (document.documentElement.lang !== "en") text = text.replace(".", ",");
    return text + "\u00a0" + units[i];
  }

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
      state(which, extra) {
        label.textContent = file.name + " — " + box.dataset[which] + (extra ? " : " + extra : "");
        li.className = which;
      },
      at(loaded) {
        bar.value = file.size ? Math.floor((loaded / file.size) * 100) : 100;
      },
    };
  }

  // Adds a received file to the table (its remove button comes with the next page load).
  function received(box, f) {
    const body = document.getElementById("deposit-received");
    if (!body) return;
    const units = (box.dataset.units || "B,KiB,MiB,GiB").split(",");
    const tr = document.createElement("tr");
    const name = document.createElement("td");
    name.textContent = f.name;
    const size = document.createElement("td");
    size.textContent = human(f.size, units);
    const sha = document.createElement("td");
    const code = document.createElement("code");
    code.className = "sha";
    code.textContent = f.sha256;
    sha.append(code);
    tr.append(name, size, sha, document.createElement("td"));
    body.append(tr);
    const none = document.getElementById("deposit-none");
    if (none) none.hidden = true;
  }

  function send(box, file) {
    const r = row(box, file);
    r.state("uploading");
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", box.dataset.endpoint + "?name=" + encodeURIComponent(file.name));
      xhr.setRequestHeader("X-CSRF-Token", csrf());
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      xhr.upload.onprogress = (e) => r.at(e.loaded);
      xhr.onload = () => {
        let answer = {};
        try {
          answer = JSON.parse(xhr.responseText);
        } catch (e) {
          answer = {};
        }
        if (xhr.status === 201) {
          r.at(file.size);
          r.state("uploaded");
          received(box, answer);
          resolve(true);
        } else {
          r.state("failed", answer.message || String(xhr.status));
          resolve(false);
        }
      };
      xhr.onerror = () => {
        r.state("failed", box.dataset.network);
        resolve(false);
      };
      xhr.send(file);
    });
  }

  async function sendAll(box, files) {
    const submit = document.querySelector("#deposit-send-form button[type=submit]");
    if (submit) submit.disabled = true;
    for (const f of files) await send(box, f);
    if (submit) submit.disabled = false;
  }

  document.querySelectorAll(".deposit-uploader").forEach((box) => {
    const input = box.querySelector('input[type="file"]');
    const zone = box.querySelector(".dropzone");
    input.addEventListener("change", () => {
      const files = Array.from(input.files);
      input.value = "";
      sendAll(box, files);
    });
    zone.addEventListener("dragover", (e) => {
      e.preventDefault();
      zone.classList.add("over");
    });
    zone.addEventListener("dragleave", () => zone.classList.remove("over"));
    zone.addEventListener("drop", (e) => {
      e.preventDefault();
      zone.classList.remove("over");
      sendAll(box, Array.from(e.dataTransfer.files));
    });
  });

  document.querySelectorAll("button[data-copy]").forEach((button) => {
    const field = document.getElementById(button.dataset.copy);
    if (!field || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", () => {
      navigator.clipboard.writeText(field.value).then(() => {
        button.textContent = button.dataset.copied;
      });
    });
  });
})();
