CREATE TABLE "contracts" (
	"id" text PRIMARY KEY NOT NULL,
	"workflow_id" text NOT NULL,
	"title" text NOT NULL,
	"status" text NOT NULL,
	"value_fen" bigint NOT NULL,
	"received_fen" bigint NOT NULL,
	"purchaser_id" text NOT NULL,
	"payer_id" text NOT NULL,
	"contractor_id" text NOT NULL,
	"evaluator_id" text NOT NULL,
	"party_organization_ids" text[] NOT NULL,
	"definition" jsonb NOT NULL,
	"schedule_version" integer NOT NULL,
	"amendments" jsonb NOT NULL,
	"announced" jsonb NOT NULL,
	"termination" jsonb,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"revision" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "idempotency_records" (
	"actor_id" text NOT NULL,
	"key" text NOT NULL,
	"route" text NOT NULL,
	"request_hash" text NOT NULL,
	"status_code" integer,
	"response" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_records_actor_id_route_key_pk" PRIMARY KEY("actor_id","route","key")
);
--> statement-breakpoint
CREATE TABLE "ledger_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"contract_id" text NOT NULL,
	"reference" text NOT NULL,
	"kind" text NOT NULL,
	"amount_fen" bigint NOT NULL,
	"received_on" date NOT NULL,
	"funding_source" text NOT NULL,
	"budget_line" text,
	"note" text,
	"reverses" text,
	"reason" text,
	"recorded_by" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"idempotency_key" text NOT NULL,
	"organization_id" text NOT NULL,
	"contract_id" text,
	"kind" text NOT NULL,
	"severity" text NOT NULL,
	"subject" jsonb NOT NULL,
	"body" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "contracts_parties_idx" ON "contracts" USING gin ("party_organization_ids");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_entries_reference_idx" ON "ledger_entries" USING btree ("contract_id","reference");--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_key_idx" ON "notifications" USING btree ("idempotency_key","organization_id");--> statement-breakpoint
CREATE INDEX "notifications_org_idx" ON "notifications" USING btree ("organization_id","id");