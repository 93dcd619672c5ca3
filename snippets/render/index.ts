/** The renderer's public entry point. */
export { createRenderer, type Renderer } from "./renderer";
