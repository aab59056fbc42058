// Pulumi entry point (Pulumi.yaml `main`): the default export is the program; what it returns are the stack outputs.
import { main } from "./main";

export default main;
