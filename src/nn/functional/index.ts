/** Functional forms of every layer, activation and loss (`nn.F`). */
export * from "./activation.js";
export * from "./linear.js";
