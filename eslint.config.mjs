import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "out/**", "node_modules/**", "examples/*/worker/**", "**/*.js", "**/*.mjs", "**/*.mts"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      // Pulumi programs are async functions by contract, with or without an await.
      "@typescript-eslint/require-await": "off",
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      // Pulumi outputs must never be interpolated into strings (they print a warning, not a value).
      "no-restricted-syntax": [
        "error",
        {
          selector: "TemplateLiteral > MemberExpression[property.name=/^(certPem|privateKeyPem|chainPem|trustBundle)$/]",
          message: "Use pulumi.interpolate or .apply(); an Output in a template literal renders as a warning string.",
        },
      ],
    },
  },
);
