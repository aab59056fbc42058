import js from "@eslint/js";
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

export default tseslint.config(
  { ignores: ["dist/**", "out/**", "node_modules/**", "examples/*/worker/**", "**/*.js", "**/*.cjs", "**/*.mjs", "**/*.mts"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@pulumi": pulumi },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      // Pulumi programs are async functions by contract, with or without an await.
      "@typescript-eslint/require-await": "off",
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      // Pulumi's own rules: an Output in a template literal renders a warning string, not its value.
      "@pulumi/no-output-in-template-literal": "error",
      "@pulumi/no-output-instance-in-template-literal": "error",
    },
  },
  {
    // The library's declarations reach users' type-checks (`pulumi up` under the SDK's TypeScript
    // loader, tsc): a provider package root lists every resource it has (about 1,400 declaration
    // files for both), a resource's own module only what it needs (README.md § Test suite cost).
    files: ["components/**/*.ts"],
    ignores: ["components/**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "@pulumi/kubernetes", message: "Import the resource's own module, e.g. @pulumi/kubernetes/core/v1/secret: the root makes every type-check of the library parse all of the provider's declarations." },
            { name: "@pulumi/cloudflare", message: "Import the resource's own module, e.g. @pulumi/cloudflare/dnsRecord (types: @pulumi/cloudflare/types/input): the root makes every type-check of the library parse all of the provider's declarations." },
          ],
        },
      ],
    },
  },
  {
    // Each example has its own tsconfig.json for `pulumi up` (edge-mtls resolved from its node_modules);
    // lint them inside the repository's project, where edge-mtls maps to the library's source.
    files: ["examples/**/*.ts"],
    languageOptions: { parserOptions: { projectService: false, project: "./tsconfig.json", tsconfigRootDir: import.meta.dirname } },
  },
);
