// The platform evaluates server.js afresh for every event (docs/platform.md "Loading server.js"),
// so whatever the file builds at its top level is built again for every event, used or not. A
// zod schema is a heavy object (a few KB each, with its wrappers): built eagerly, the app's
// schemas were most of the ~850 KB every evaluation allocated, and the garbage they left was
// collected inside later events (npm run bench, section 4). A schema that only some events need
// (a response, the stored record) is built by `lazily` the first time it is used, once per
// evaluation.

/** `build()` the first time the returned function is called; the same value every time after. */
export function lazily<T>(build: () => T): () => T {
  let built: { value: T } | null = null;
  return () => {
    if (built === null) built = { value: build() };
    return built.value;
  };
}
