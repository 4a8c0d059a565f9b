CREATE TABLE "escalations" (
	"id" text PRIMARY KEY NOT NULL,
	"contract_id" text NOT NULL,
	"step_id" text NOT NULL,
	"step_kind" text NOT NULL,
	"step_reference" text NOT NULL,
	"level" integer NOT NULL,
	"severity" text NOT NULL,
	"notified_parties" text[] NOT NULL,
	"notified_organization_ids" text[] NOT NULL,
	"state" text NOT NULL,
	"summary" jsonb NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" text,
	"acknowledgement_note" text,
	"closed_at" timestamp with time zone,
	"version" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "step_delays" (
	"step_id" text PRIMARY KEY NOT NULL,
	"contract_id" text NOT NULL,
	"step_kind" text NOT NULL,
	"step_reference" text NOT NULL,
	"holder_party" text NOT NULL,
	"holder_organization_id" text,
	"since" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone,
	"working_days" integer
);
--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "escalation_id" text;--> statement-breakpoint
CREATE INDEX "escalations_contract_idx" ON "escalations" USING btree ("contract_id");--> statement-breakpoint
CREATE INDEX "escalations_state_idx" ON "escalations" USING btree ("state");--> statement-breakpoint
CREATE INDEX "step_delays_contract_idx" ON "step_delays" USING btree ("contract_id");