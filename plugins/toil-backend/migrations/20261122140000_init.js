/*
 * Toil register: one row per operations task of an entity, and an append-only
 * audit trail of every change with the previous value.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('toil_tasks', table => {
    table.comment('The toil register: one operations task per row');
    table.string('id', 36).primary().comment('Task id (UUID)');
    table
      .string('entity_ref', 255)
      .notNullable()
      .comment('Entity ref of the service or resource the task belongs to');
    table.string('task', 200).notNullable().comment('Short name of the task');
    table
      .string('category', 32)
      .notNullable()
      .comment('interrupts, on-call response, releases and deploys, ...');
    table
      .double('frequency')
      .notNullable()
      .comment('Occurrences per frequency_unit');
    table
      .string('frequency_unit', 16)
      .notNullable()
      .comment('week, month or quarter');
    table
      .double('minutes_per_occurrence')
      .notNullable()
      .comment('Minutes one occurrence takes');
    table.integer('people').notNullable().comment('People per occurrence');
    table.string('automatable', 8).notNullable().comment('yes, partly or no');
    table.text('link').nullable().comment('Ticket or runbook URL');
    table
      .string('automation_status', 16)
      .notNullable()
      .comment('none, planned, in progress or automated');
    table
      .double('build_hours')
      .nullable()
      .comment('Estimated hours to build the automation');
    table
      .string('automated_at', 10)
      .nullable()
      .comment('Date (YYYY-MM-DD) the task was automated');
    table
      .string('recorded_by', 255)
      .notNullable()
      .comment('Entity ref of whoever recorded the task');
    table
      .string('recorded_at', 32)
      .notNullable()
      .comment('ISO timestamp the task was recorded');
    table
      .string('updated_by', 255)
      .notNullable()
      .comment('Entity ref of whoever changed the task last');
    table
      .string('updated_at', 32)
      .notNullable()
      .comment('ISO timestamp of the last change');
    table
      .integer('version')
      .notNullable()
      .defaultTo(1)
      .comment('Optimistic-concurrency version, incremented on every write');
    table.index(['entity_ref'], 'toil_tasks_entity_ref_idx');
  });

  await knex.schema.createTable('toil_audit', table => {
    table.comment('Append-only audit trail of register changes');
    table.increments('id').comment('Event sequence number');
    table.string('task_id', 36).notNullable().comment('The changed task');
    table
      .string('entity_ref', 255)
      .notNullable()
      .comment('Entity ref of the task (after the change, or before a delete)');
    table.string('action', 8).notNullable().comment('create, update or delete');
    table
      .string('actor', 255)
      .notNullable()
      .comment('User or service entity ref that made the change');
    table.string('at', 32).notNullable().comment('ISO timestamp of the change');
    table
      .text('before')
      .nullable()
      .comment('The row before the change as JSON; null on create');
    table
      .text('after')
      .nullable()
      .comment('The row after the change as JSON; null on delete');
    table.index(['task_id'], 'toil_audit_task_idx');
    table.index(['entity_ref'], 'toil_audit_entity_ref_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('toil_audit');
  await knex.schema.dropTable('toil_tasks');
};
