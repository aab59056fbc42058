/**
 * vitest setupFiles: runs before each test file. Files share a worker's module registry
 * (`isolate: false` in vitest.config.mts, so @pulumi/* and the library load once per worker);
 * state a file must start from fresh is reset here.
 */
import { resetPooledRsaKeys } from "./key-pool";

// Every file gets the whole key pool again (each key is still handed out once within a file).
resetPooledRsaKeys();
