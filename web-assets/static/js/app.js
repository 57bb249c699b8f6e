// Huis Clos front-end behaviour. Pages work without it, except uploads, which stream each
// file as the body of one request so that the server can encrypt it as it arrives.
"use strict";

(function () {
  const csrf = () => {
    const m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute("content") : "";
  };

  function upload(box, file) {
    const space = box.dataset.space;
    const folder = box.querySelector("#upload-folder");
    const list = box.querySelector(".progress-list");
    const li = document.createElement("li");
    const label = document.createElement("span");
    label.textContent = file.name + " — " + box.dataset.uploading;
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", file.name);
    li.append(label, bar);
    list.append(li);
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      const q = new URLSearchParams({ name: file.name });
      if (folder && folder.value) q.set("folder", folder.value);
      xhr.open("POST", "/api/v1/spaces/" + encodeURIComponent(space) + "/documents?" + q.toString());
      xhr.setRequestHeader("X-CSRF-Token", csrf());
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
      };
      xhr.onload = () => {
        const ok = xhr.status === 201;
        bar.value = ok ? 100 : bar.value;
        label.textContent = file.name + " — " + (ok ? box.dataset.uploaded : box.dataset.failed);
        li.className = ok ? "done" : "failed";
        resolve(ok);
      };
      xhr.onerror = () => {
        label.textContent = file.name + " — " + box.dataset.failed;
        li.className = "failed";
        resolve(false);
      };
      xhr.send(file);
    });
  }

  async function uploadAll(box, files) {
    const results = [];
    for (const f of files) results.push(await upload(box, f));
    if (results.every(Boolean)) window.location.reload();
  }

  document.querySelectorAll(".uploader").forEach((box) => {
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
