// Generated from package.json by scripts/write-version.mjs (runs on `npm version`); do not edit.
export const SDK_PACKAGE = '@agentspan/tracer';
export const SDK_VERSION = '0.1.0';
