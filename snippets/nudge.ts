// The browser snippet's entry (tracker and renderer), bundled by scripts/build-snippet.mjs into
// snippets/dist/nudge.js, which the Worker serves at GET /nudge.js.
export {};
