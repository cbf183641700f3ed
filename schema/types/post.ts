// Posts (岗位): the grid worker (网格员) of a grid, as the grid platform appoints them.
import { builder } from "../builder.js";

builder.prismaObject("PersonPost", {
  description: "A post a person holds in an area, e.g. the grid worker (网格员) of a grid.",
  fields: (t) => ({
    role: t.exposeString("role", { description: "The post: GRID_WORKER (网格员)." }),
    area: t.relation("area", { description: "The area the post serves." }),
    since: t.expose("since", { type: "DateTime", nullable: true, description: "Since when, if known." }),
  }),
});

builder.prismaObjectField("Person", "posts", (t) =>
  t.relation("posts", { description: "Posts the person holds, e.g. the grid they serve as its worker." }),
);
