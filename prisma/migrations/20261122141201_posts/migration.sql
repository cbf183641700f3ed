-- CreateTable
CREATE TABLE "PersonPost" (
    "personId" UUID NOT NULL,
    "areaId" UUID NOT NULL,
    "role" TEXT NOT NULL,
    "since" TIMESTAMP(3),

    CONSTRAINT "PersonPost_pkey" PRIMARY KEY ("personId","areaId","role")
);

-- CreateIndex
CREATE INDEX "PersonPost_areaId_role_idx" ON "PersonPost"("areaId", "role");

-- CreateIndex
CREATE INDEX "Event_addressId_idx" ON "Event"("addressId");

-- CreateIndex
CREATE INDEX "Organisation_addressId_idx" ON "Organisation"("addressId");

-- AddForeignKey
ALTER TABLE "PersonPost" ADD CONSTRAINT "PersonPost_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PersonPost" ADD CONSTRAINT "PersonPost_areaId_fkey" FOREIGN KEY ("areaId") REFERENCES "Area"("id") ON DELETE CASCADE ON UPDATE CASCADE;
