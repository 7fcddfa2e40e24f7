DROP INDEX todos_org_due_order;
