// Pulumi entry point (Pulumi.yaml `main`). The Pulumi Node.js host calls the function assigned to
// `module.exports` (a CommonJS `default` export is never called); what it returns are the stack outputs.
import { main } from "./main";

export = main;
