CREATE TABLE "payment_applications" (
	"id" text PRIMARY KEY NOT NULL,
	"contract_id" text NOT NULL,
	"tranche" text NOT NULL,
	"amount_fen" bigint NOT NULL,
	"invoice_number" text NOT NULL,
	"invoice_date" date NOT NULL,
	"note" text,
	"attachments" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" text NOT NULL,
	"filed_by" text NOT NULL,
	"filed_at" timestamp with time zone,
	"filed_on" date,
	"acceptance_due_on" date,
	"decision_reasons" jsonb,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"decided_on" date,
	"decided_late" boolean,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "payment_applications_contract_idx" ON "payment_applications" USING btree ("contract_id","tranche");