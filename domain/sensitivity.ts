// Sensitivity classes for every field of the graph (GB/T 35273-2020; PIPL art. 28). Ordered:
// a principal cleared for a class may read every class below it.

export const SENSITIVITY_CLASSES = ["PUBLIC", "INTERNAL", "PERSONAL", "SENSITIVE", "SECRET"] as const;
export type SensitivityClass = (typeof SENSITIVITY_CLASSES)[number];

export const SENSITIVITY_DESCRIPTIONS: Record<SensitivityClass, string> = {
  PUBLIC: "may be published (administrative division names and codes)",
  INTERNAL: "government-internal working data (grid layout, event counts)",
  PERSONAL: "personal information (name, phone, address): masked on screens by default",
  SENSITIVE:
    "sensitive personal information, PIPL art. 28 (ID number, health, whereabouts, petitioner status)",
  SECRET: "restricted to named roles (e.g. ongoing police matters)",
};

export function sensitivityRank(c: SensitivityClass): number {
  return SENSITIVITY_CLASSES.indexOf(c);
}
