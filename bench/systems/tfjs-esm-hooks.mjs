/**
 * Module hooks that let Node load @tensorflow/tfjs-core's ES-module build (dist/**.js), whose
 * relative imports omit the ".js" extension (written for bundlers) and whose package does not
 * declare "type": "module". tfjs.mjs needs one file of it, register_all_gradients.js: the
 * CommonJS bundle that Node loads for `import "@tensorflow/tfjs-core"` registers no gradients
 * (the @tensorflow/tfjs union package would bring them, with layers, converter, data and webgl).
 * The gradients register into tfjs's global registry, shared by both builds.
 */
const ESM_BUILD = /\/@tensorflow\/tfjs-core\/dist\/(?!tf-core\.)[^?]*\.js$/;

/** Retries an unresolvable relative import from the ESM build with ".js" appended. */
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (e) {
    if (specifier.startsWith(".") && ESM_BUILD.test(context.parentURL ?? "")) return next(`${specifier}.js`, context);
    throw e;
  }
}

/** Loads the ESM build's files as ES modules. */
export async function load(url, context, next) {
  return next(url, ESM_BUILD.test(url) ? { ...context, format: "module" } : context);
}
