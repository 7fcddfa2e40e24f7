DROP TABLE local_billing_invoices;
DROP TABLE local_billing_subscriptions;
DROP TABLE local_billing_sessions;
DROP TABLE billing_events;
DROP TABLE billing_accounts;
