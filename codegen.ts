// Typed operations for frontend teams: the committed schema.graphql (printed by schema/print.ts)
// plus the example operations in operations/ → operations/generated (client preset).
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "./schema.graphql",
  documents: ["operations/**/*.graphql"],
  emitLegacyCommonJSImports: false, // "./graphql.js" imports, for NodeNext
  generates: {
    "./operations/generated/": {
      preset: "client",
      config: { useTypeImports: true, enumsAsTypes: true, scalars: { DateTime: "string" } },
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;
