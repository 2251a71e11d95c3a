#!/usr/bin/env node
// The built command line; `npm install` at the repository root builds it (prepare).
import '../dist/cli.js';
