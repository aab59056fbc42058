export * from "./errors";
export * from "./dns";
export * from "./duration";
export * from "./clock";
export * from "./topology";
export * from "./pem";
export * from "./validate";
export * from "./ip";
