export * from "./errors";
export * from "./dns";
export * from "./duration";
export * from "./clock";
export * from "./x509";
export * from "./topology";
export * from "./pem";
export * from "./ip";
