// The persons a page's records could be: every canonical person sharing a blocking key with one
// of them (pinyin name + birth date, phone, citizen ID, household address), loaded in two
// statements per page, and kept in an index the page's own new persons join as they are made.
import {
  type PersonBlockingKeys,
  type PersonProfile,
  personBlockingKeys,
} from "../../domain/resolution/person-match.js";
import { arrayLiteral } from "../../prisma/bulk.js";
import type { Tx } from "../../prisma/db.js";

const blockKeys = (k: PersonBlockingKeys): string[] => [
  ...(k.nameBirth ? [`nb\u0000${k.nameBirth.namePinyin}\u0000${k.nameBirth.birthDate}`] : []),
  ...(k.phone ? [`ph\u0000${k.phone}`] : []),
  ...(k.citizenId ? [`id\u0000${k.citizenId}`] : []),
  ...k.addressKeys.map((a) => `ad\u0000${a}`),
  ...k.posts.map((p) => `po\u0000${p}`),
];

interface CandidateRow {
  id: string;
  citizenId: string | null;
  name: string;
  namePinyin: string | null;
  sex: "MALE" | "FEMALE" | "UNKNOWN";
  birthDate: string | null;
  phone: string | null;
}

export class PersonBlocks {
  private readonly profiles = new Map<string, PersonProfile>();
  private readonly byKey = new Map<string, Set<string>>();

  /** Load every canonical person that shares a key with one of these profiles. */
  async load(tx: Tx, profiles: readonly PersonProfile[]): Promise<void> {
    // A record with a valid citizen ID was not found by it: it can only be someone the graph
    // holds without an ID, and only pinyin + birth date or a phone find those cheaply. Records
    // without an ID are looked for by every key.
    const weak = { pinyins: [] as string[], births: [] as string[], phones: new Set<string>() };
    const strong = { pinyins: [] as string[], births: [] as string[], phones: new Set<string>() };
    const ids = new Set<string>();
    const addresses = new Set<string>();
    const posts = new Set<string>();
    for (const profile of profiles) {
      const k = personBlockingKeys(profile);
      const group = profile.citizenId ? strong : weak;
      if (k.nameBirth) {
        group.pinyins.push(k.nameBirth.namePinyin);
        group.births.push(k.nameBirth.birthDate);
      }
      if (k.phone) group.phones.add(k.phone);
      if (profile.citizenId) continue;
      if (k.citizenId) ids.add(k.citizenId);
      for (const a of k.addressKeys) addresses.add(a);
      for (const p of k.posts) posts.add(p);
    }
    const total =
      weak.pinyins.length + weak.phones.size + strong.pinyins.length + strong.phones.size + ids.size;
    if (total + addresses.size + posts.size === 0) return;
    const rows = await tx.$queryRawUnsafe<CandidateRow[]>(
      `SELECT p.id::text, p."citizenId", p.name, p."namePinyin", p.sex::text AS sex,
              to_char(p."birthDate", 'YYYY-MM-DD') AS "birthDate", p.phone
       FROM "Person" p WHERE p.id IN (
         SELECT id FROM "Person" WHERE ("namePinyin", "birthDate") IN (SELECT * FROM unnest($1::text[], $2::date[]))
         UNION SELECT id FROM "Person" WHERE phone = ANY($3::text[])
         UNION SELECT id FROM "Person" WHERE "citizenId" = ANY($4::text[])
         UNION SELECT pa."personId" FROM "PersonAddress" pa JOIN "Address" a ON a.id = pa."addressId"
               WHERE a."addressKey" = ANY($5::text[])
         UNION SELECT pp."personId" FROM "PersonPost" pp JOIN "Area" a ON a.id = pp."areaId"
               WHERE pp.role || '@' || a.code = ANY($6::text[])
         UNION SELECT id FROM "Person" WHERE "citizenId" IS NULL
               AND ("namePinyin", "birthDate") IN (SELECT * FROM unnest($7::text[], $8::date[]))
         UNION SELECT id FROM "Person" WHERE "citizenId" IS NULL AND phone = ANY($9::text[]))`,
      ...[
        weak.pinyins,
        weak.births,
        [...weak.phones],
        [...ids],
        [...addresses],
        [...posts],
        strong.pinyins,
        strong.births,
        [...strong.phones],
      ].map(arrayLiteral),
    );
    if (rows.length === 0) return;
    const homes = await tx.$queryRawUnsafe<{ personId: string; addressKey: string }[]>(
      `SELECT pa."personId"::text AS "personId", a."addressKey" FROM "PersonAddress" pa
       JOIN "Address" a ON a.id = pa."addressId" WHERE pa."personId" = ANY($1::uuid[])`,
      arrayLiteral(rows.map((r) => r.id)),
    );
    const homesOf = new Map<string, string[]>();
    for (const h of homes) homesOf.set(h.personId, [...(homesOf.get(h.personId) ?? []), h.addressKey]);
    const held = await tx.$queryRawUnsafe<{ personId: string; post: string }[]>(
      `SELECT pp."personId"::text AS "personId", pp.role || '@' || a.code AS post FROM "PersonPost" pp
       JOIN "Area" a ON a.id = pp."areaId" WHERE pp."personId" = ANY($1::uuid[])`,
      arrayLiteral(rows.map((r) => r.id)),
    );
    const postsOf = new Map<string, string[]>();
    for (const h of held) postsOf.set(h.personId, [...(postsOf.get(h.personId) ?? []), h.post]);
    for (const r of rows)
      this.add(r.id, {
        citizenId: r.citizenId,
        citizenIdLowTrust: null,
        name: r.name,
        namePinyin: r.namePinyin,
        sex: r.sex === "UNKNOWN" ? null : r.sex,
        birthDate: r.birthDate,
        phone: r.phone,
        addressKeys: homesOf.get(r.id) ?? [],
        posts: postsOf.get(r.id) ?? [],
      });
  }

  /** A person (new, or newly linked) joins the blocks under its keys. */
  add(id: string, profile: PersonProfile): void {
    const known = this.profiles.get(id);
    const merged: PersonProfile = known
      ? {
          ...known,
          citizenId: known.citizenId ?? profile.citizenId,
          phone: known.phone ?? profile.phone,
          birthDate: known.birthDate ?? profile.birthDate,
          addressKeys: [...new Set([...known.addressKeys, ...profile.addressKeys])],
          posts: [...new Set([...(known.posts ?? []), ...(profile.posts ?? [])])],
        }
      : profile;
    this.profiles.set(id, merged);
    for (const key of [...blockKeys(personBlockingKeys(merged)), ...blockKeys(personBlockingKeys(profile))]) {
      const ids = this.byKey.get(key) ?? new Set<string>();
      ids.add(id);
      this.byKey.set(key, ids);
    }
  }

  /** Everyone sharing a key with the profile. */
  candidates(profile: PersonProfile): { id: string; profile: PersonProfile }[] {
    const ids = new Set<string>();
    for (const key of blockKeys(personBlockingKeys(profile)))
      for (const id of this.byKey.get(key) ?? []) ids.add(id);
    return [...ids].map((id) => ({ id, profile: this.profiles.get(id)! }));
  }
}
