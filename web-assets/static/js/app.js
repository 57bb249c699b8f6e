// Huis Clos front-end behaviour. Pages work without it; it only adds comfort.
"use strict";
