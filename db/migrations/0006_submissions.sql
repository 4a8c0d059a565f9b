CREATE TABLE "submissions" (
	"id" text PRIMARY KEY NOT NULL,
	"contract_id" text NOT NULL,
	"milestone_id" text NOT NULL,
	"station" text NOT NULL,
	"round" integer NOT NULL,
	"status" text NOT NULL,
	"materials" jsonb NOT NULL,
	"precheck" jsonb NOT NULL,
	"decision" jsonb,
	"diff" jsonb NOT NULL,
	"review_due_at" timestamp with time zone,
	"submitted_by" text NOT NULL,
	"submitted_at" timestamp with time zone NOT NULL,
	"version" integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX "submissions_contract_idx" ON "submissions" USING btree ("contract_id","milestone_id","station");