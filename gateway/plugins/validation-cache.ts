// A document validates once per rule set, not on every request. Apollo hands the executor the
// same DocumentNode for the same query text (its document store), and the rules a request runs
// depend only on who asks (schema privacy adds one for callers who may not see the schema) and on
// the configured limits, each added as the same function every time. So a (document, rules) pair
// found valid stays valid: later requests skip graphql-js' walk of the document. Only valid
// outcomes are kept (an invalid document is rare and answered from a fresh walk, with fresh
// errors); the entries live as long as the document does (a WeakMap on the node).
import type { Plugin } from "@envelop/core";
import type { DocumentNode, ValidationRule } from "graphql";

/** Last in the plugin list: its hook must see every rule the others added. */
export function useValidationCache(): Plugin {
  const ruleIds = new WeakMap<ValidationRule, number>();
  let next = 1;
  const valid = new WeakMap<DocumentNode, Set<string>>();
  const keyOf = (rules: readonly ValidationRule[] | undefined): string => {
    if (!rules) return "";
    let key = "";
    for (const rule of rules) {
      let id = ruleIds.get(rule);
      if (id === undefined) {
        id = next++;
        ruleIds.set(rule, id);
      }
      key += `${id},`;
    }
    return key;
  };
  return {
    onValidate({ params, setResult }) {
      // Another validation function or options than the default: not ours to remember.
      if (params.typeInfo || params.options) return;
      const key = keyOf(params.rules);
      if (valid.get(params.documentAST)?.has(key)) {
        setResult([]);
        return;
      }
      return ({ result }) => {
        if (result.length > 0) return;
        let keys = valid.get(params.documentAST);
        if (!keys) {
          keys = new Set();
          valid.set(params.documentAST, keys);
        }
        keys.add(key);
      };
    },
  };
}
