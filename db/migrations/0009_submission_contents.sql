CREATE TABLE "submission_contents" (
	"submission_id" text PRIMARY KEY NOT NULL,
	"contract_id" text NOT NULL,
	"milestone_id" text NOT NULL,
	"sha256" text NOT NULL,
	"materials" jsonb NOT NULL,
	"stored_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "submission_contents_contract_idx" ON "submission_contents" USING btree ("contract_id","milestone_id");--> statement-breakpoint
-- Submissions recorded before the claim check keep their content (the digest of those is of the stored JSON text).
INSERT INTO "submission_contents" ("submission_id", "contract_id", "milestone_id", "sha256", "materials", "stored_at")
SELECT "id", "contract_id", "milestone_id", encode(sha256(convert_to("materials"::text, 'UTF8')), 'hex'), "materials", "submitted_at" FROM "submissions"
ON CONFLICT DO NOTHING;--> statement-breakpoint
ALTER TABLE "submissions" DROP COLUMN "materials";--> statement-breakpoint
ALTER TABLE "submissions" DROP COLUMN "diff";