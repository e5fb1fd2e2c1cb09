#!/usr/bin/env node
// Committed launcher: npm links workspace bins at install time, before `dist/` is built, so the
// bin must be a file that always exists. It runs the compiled CLI.
import '../dist/bin.js';
