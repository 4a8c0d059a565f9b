CREATE TABLE "material_requests" (
	"id" text PRIMARY KEY NOT NULL,
	"contract_id" text NOT NULL,
	"station" text NOT NULL,
	"villages" text[] NOT NULL,
	"status" text NOT NULL,
	"overdue" boolean NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"state" jsonb NOT NULL,
	"version" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "progress_records" (
	"id" text PRIMARY KEY NOT NULL,
	"contract_id" text NOT NULL,
	"station" text NOT NULL,
	"metric" text NOT NULL,
	"count" integer NOT NULL,
	"date" date NOT NULL,
	"evidence" jsonb NOT NULL,
	"recorded_by" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "village_contacts" (
	"id" text PRIMARY KEY NOT NULL,
	"village_id" text NOT NULL,
	"name" text NOT NULL,
	"phone" text NOT NULL,
	"hamlet" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "village_contacts" ADD CONSTRAINT "village_contacts_village_id_organizations_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "material_requests_contract_idx" ON "material_requests" USING btree ("contract_id","station","status");--> statement-breakpoint
CREATE INDEX "progress_records_contract_idx" ON "progress_records" USING btree ("contract_id","station","metric","date");--> statement-breakpoint
CREATE INDEX "village_contacts_village_idx" ON "village_contacts" USING btree ("village_id");--> statement-breakpoint
-- Recorded progress is evidence: never edited or deleted.
CREATE TRIGGER progress_records_append_only BEFORE UPDATE OR DELETE ON progress_records
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
