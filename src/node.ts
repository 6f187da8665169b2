/**
 * Node-only additions (file loading): `import { loadFashionMnist, saveSafetensors } from "myelin/node"`.
 * The main entry stays browser-safe.
 */
export * from "./data/node/index.js";
export { writeFileAtomic, saveSafetensors, loadSafetensors } from "./io/node/files.js";
