// Huis Clos uploads (every `.uploader` box): each file goes up with the tus 1.0.0 protocol
// (resumable uploads, /api/v1/spaces/{id}/uploads) in pieces of 4 MiB, so that a lost
// connection costs at most the piece in flight. On a network error or a server error the
// upload shows "resuming", waits a little longer each time, asks the server how much it
// kept (HEAD) and goes on from there. A reload of the page starts the file over.
// A box with `data-endpoint` (or `data-create`, a URL that gives one) sends each file in one
// streamed request instead (POST ENDPOINT?name=NAME, raw body), with the same progress line:
// the files of a secure mail draft or reply, which are not documents of a space.
"use strict";

(function () {
  const TUS = "1.0.0";
  const PIECE = 4 * 1024 * 1024;
  const DELAYS = [1000, 2000, 4000, 8000, 15000, 30000];
  // Consecutive failures without progress before giving up (about 15 minutes of waiting).
  const MAX_FAILURES = 36;

  const csrf = () => {
    const m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute("content") : "";
  };

  // Base64 of the UTF-8 bytes of `s` (Upload-Metadata values).
  const b64 = (s) => {
    let bin = "";
    new TextEncoder().encode(s).forEach((b) => {
      bin += String.fromCharCode(b);
    });
    return btoa(bin);
  };

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // One request; resolves with the XHR whatever its status, rejects on a network error.
  function send(method, url, headers, body, timeout, onProgress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(method, url);
      xhr.timeout = timeout;
      xhr.setRequestHeader("Tus-Resumable", TUS);
      if (method !== "HEAD") xhr.setRequestHeader("X-CSRF-Token", csrf());
      Object.keys(headers).forEach((k) => xhr.setRequestHeader(k, headers[k]));
      if (onProgress) xhr.upload.onprogress = (e) => onProgress(e.loaded);
      xhr.onload = () => resolve(xhr);
      xhr.onerror = () => reject(new Error("network"));
      xhr.ontimeout = () => reject(new Error("timeout"));
      xhr.onabort = () => reject(new Error("abort"));
      xhr.send(body === undefined ? null : body);
    });
  }

  // The line of one file: name and state (read out by the list's live region) and a
  // progress bar named after the file.
  function progressRow(box, file) {
    const list = box.querySelector(".progress-list");
    const li = document.createElement("li");
    const label = document.createElement("span");
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", (box.dataset.progress || "") + " " + file.name);
    li.append(label, bar);
    list.append(li);
    let shown = "";
    return {
      state(which) {
        if (which === shown) return;
        shown = which;
        label.textContent = file.name + " — " + box.dataset[which];
        li.className = which;
      },
      at(bytes) {
        bar.value = file.size ? Math.floor((bytes / file.size) * 100) : 100;
      },
    };
  }

  async function upload(box, file) {
    const row = progressRow(box, file);
    row.state("uploading");
    const folder = box.querySelector("#upload-folder");
    const meta = ["filename " + b64(file.name)];
    if (folder && folder.value) meta.push("folder " + b64(folder.value));
    if (box.dataset.request) meta.push("request " + b64(box.dataset.request));
    let url = null;
    let offset = 0;
    let sync = false;
    let failures = 0;
    const wait = async () => {
      failures += 1;
      if (failures > MAX_FAILURES) return false;
      row.state("resuming");
      await sleep(DELAYS[Math.min(failures, DELAYS.length) - 1]);
      sync = url !== null;
      return true;
    };
    // Worth another try: a server error, a busy upload, or a body that broke off on the way.
    const retryable = (xhr) => {
      if (xhr.status >= 500 || xhr.status === 423 || xhr.status === 408) return true;
      try {
        return xhr.status === 400 && JSON.parse(xhr.responseText).error === "interrupted";
      } catch (e) {
        return false;
      }
    };
    for (;;) {
      let xhr;
      try {
        if (url === null) {
          xhr = await send(
            "POST",
            "/api/v1/spaces/" + encodeURIComponent(box.dataset.space) + "/uploads",
            { "Upload-Length": String(file.size), "Upload-Metadata": meta.join(",") },
            undefined,
            30000,
          );
        } else if (sync) {
          xhr = await send("HEAD", url, {}, undefined, 30000);
        } else {
          const end = Math.min(offset + PIECE, file.size);
          const start = offset;
          xhr = await send(
            "PATCH",
            url,
            { "Upload-Offset": String(start), "Content-Type": "application/offset+octet-stream" },
            file.slice(start, end),
            180000,
            (loaded) => row.at(start + loaded),
          );
        }
      } catch (e) {
        if (!(await wait())) break;
        continue;
      }
      const st = xhr.status;
      const done = xhr.getResponseHeader("Huis-Clos-Document");
      if (url === null && st === 201) {
        url = xhr.getResponseHeader("Location");
      } else if (sync && st === 200) {
        sync = false;
      } else if (!sync && url !== null && st === 204) {
        failures = 0;
        row.state("uploading");
      } else if (st === 409) {
        sync = true; // not where the server is: ask it, then go on from there
        continue;
      } else if (url !== null && retryable(xhr)) {
        if (!(await wait())) break;
        continue;
      } else if (url === null && st >= 500) {
        if (!(await wait())) break;
        continue;
      } else {
        break;
      }
      const kept = xhr.getResponseHeader("Upload-Offset");
      if (kept !== null) offset = parseInt(kept, 10);
      row.at(offset);
      if (done) {
        row.at(file.size);
        row.state("uploaded");
        attach(box, done);
        return true;
      }
    }
    row.state("failed");
    return false;
  }

  // An uploader inside the message form (data-attach) adds each uploaded document to the
  // message being written instead of reloading the page.
  function attach(box, documentId) {
    if (!box.dataset.attach) return;
    const form = box.closest("form");
    if (!form) return;
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = "attachments";
    input.value = documentId;
    form.appendChild(input);
  }

  // The endpoint of a direct box; with `data-create`, asks for one first (once) and puts the
  // id it comes with in the field named by `data-draft-field`.
  async function endpoint(box) {
    if (box.dataset.endpoint) return box.dataset.endpoint;
    if (!box.dataset.create) return null;
    try {
      const xhr = await send("POST", box.dataset.create, {}, undefined, 30000);
      if (xhr.status !== 201) return null;
      const made = JSON.parse(xhr.responseText);
      box.dataset.endpoint = made.files;
      const field = box.dataset.draftField && document.getElementById(box.dataset.draftField);
      if (field) field.value = made.id;
      return made.files;
    } catch (e) {
      return null;
    }
  }

  async function uploadDirect(box, file) {
    const row = progressRow(box, file);
    row.state("uploading");
    const url = await endpoint(box);
    if (url) {
      try {
        const xhr = await send(
          "POST",
          url + "?name=" + encodeURIComponent(file.name),
          { "Content-Type": "application/octet-stream" },
          file,
          0,
          (loaded) => row.at(loaded),
        );
        if (xhr.status === 201) {
          row.at(file.size);
          row.state("uploaded");
          return true;
        }
      } catch (e) {
        // a lost connection: the file is to be sent again
      }
    }
    row.state("failed");
    return false;
  }

  async function uploadAll(box, files) {
    const direct = Boolean(box.dataset.endpoint || box.dataset.create);
    const results = [];
    for (const f of files) results.push(await (direct ? uploadDirect(box, f) : upload(box, f)));
    if (!direct && !box.dataset.attach && results.length && results.every(Boolean)) {
      window.location.reload();
    }
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
