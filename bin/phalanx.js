#!/usr/bin/env node
// The `phalanx` command. `npm ci` builds dist/ through the `prepare` script.
import '../dist/cli/main.js';
