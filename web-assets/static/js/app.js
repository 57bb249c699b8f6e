// Huis Clos front-end behaviour. Pages work without it, except uploads: those are in
// upload.js (resumable uploads, tus), loaded beside this file.
"use strict";
