import { describe, expect, it } from "vitest";
import { createCity } from "../../../sandbox/generator/city.js";
import { DatasetPager, iterateDataset } from "../../../sandbox/generator/dataset.js";
import { siloDatasets } from "../../../sandbox/generator/silos/index.js";
import { digest } from "./support.js";

describe("determinism", () => {
  it("same seed and size → identical output; another seed → different output", () => {
    const a = digest({ seed: "alpha", persons: 2_000 });
    expect(digest({ seed: "alpha", persons: 2_000 })).toBe(a);
    expect(digest({ seed: "beta", persons: 2_000 })).not.toBe(a);
  });

  it("a record does not depend on what was generated before it (random access = streaming)", () => {
    const streamed = siloDatasets(createCity({ seed: "gamma", persons: 1_500 })).map((ds) =>
      [...iterateDataset(ds)].map((e) => JSON.stringify(e.record) + JSON.stringify(e.truth)),
    );
    // a fresh city, pages read backwards and in odd sizes
    const fresh = siloDatasets(createCity({ seed: "gamma", persons: 1_500 }));
    fresh.forEach((ds, i) => {
      const pager = new DatasetPager(ds);
      const total = pager.total();
      expect(total).toBe(streamed[i]!.length);
      const pageSize = 37;
      const pages: string[][] = [];
      for (let offset = Math.floor((total - 1) / pageSize) * pageSize; offset >= 0; offset -= pageSize) {
        pages.unshift(
          pager.page(offset, pageSize).map((e) => JSON.stringify(e.record) + JSON.stringify(e.truth)),
        );
      }
      expect(pages.flat()).toEqual(streamed[i]);
    });
  });
});
