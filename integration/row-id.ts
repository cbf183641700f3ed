// Keys of the rows the hub makes itself (a sync page's source records, persons, addresses,
// organisations, events, their steps and review pairs). Time-ordered, UUID version 7 (RFC 9562),
// as the schema's `@default(uuid(7))` makes Prisma's: a page's new rows go to the right-hand end of
// each key's B-tree, and of the link tables' indexes that lead with those keys, instead of to
// random pages all across them. What an id gives away is the millisecond its row was made in the
// hub, nothing of the record's content.
import { v7 } from "uuid";

export const newRowId = (): string => v7();
