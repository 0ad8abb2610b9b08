export * from "./events.js";
export * from "./messages.js";
export * from "./errors.js";
export * from "./format.js";
