-- The gazetteer finds a free-text address's standard address by its door plate's key, an equality
-- on a b-tree, instead of a LIKE over the text's trigram index (milliseconds a text, growing with
-- the registry). The key is computed by the hub (integration/gazetteer.ts storedDoorKey): rows of
-- an existing registry are keyed by the hub at its next start (rekeyStandardAddresses).

-- AlterTable
ALTER TABLE "Address" ADD COLUMN "doorKey" TEXT;

-- CreateIndex
CREATE INDEX "Address_doorKey_idx" ON "Address"("doorKey");
