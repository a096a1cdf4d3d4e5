/*
 * Fleet fixes: one row per fleet action (a check's fix proposed to many
 * services' repositories at once, or previewed), and one row per service
 * with where its pull request stands. Kept as the audit trail of who
 * proposed what, when, to which repositories.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('maturity_fleet_runs', table => {
    table.comment('Fleet actions: a check fix proposed to many repositories');
    table.uuid('id').primary().comment('Run id');
    table.string('check_id', 128).notNullable().comment('The check fixed');
    table
      .string('template_ref', 255)
      .notNullable()
      .comment("The check's fix template");
    table
      .boolean('preview')
      .notNullable()
      .comment('A dry run: nothing written');
    table.uuid('campaign_id').nullable().comment('The campaign it serves');
    table.string('created_by', 255).notNullable().comment('Who started it');
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .comment('When');
    table
      .timestamp('finished_at', { useTz: true })
      .nullable()
      .comment('When its last repository was done');
    table
      .string('status', 16)
      .notNullable()
      .comment('running, completed, or interrupted (the backend stopped)');
    table.index(['check_id', 'created_at'], 'maturity_fleet_runs_check_idx');
  });
  await knex.schema.createTable('maturity_fleet_items', table => {
    table.comment('One repository of a fleet action');
    table.uuid('run_id').notNullable().comment('Run id');
    table.string('entity_ref', 255).notNullable().comment('The service');
    table.string('check_id', 128).notNullable().comment('The check fixed');
    table.string('owner_ref', 255).nullable().comment('Its owner then');
    table
      .string('status', 16)
      .notNullable()
      .comment(
        'pending, running, opened, reused, previewed, unchanged, skipped or failed',
      );
    table.text('reason').nullable().comment('Why skipped or failed');
    table.string('task_id', 64).nullable().comment('The scaffolder task');
    table.text('pull_request_url').nullable().comment('The pull request');
    table.string('branch', 255).nullable().comment('The fix branch');
    table.string('where', 16).nullable().comment('local, github or none');
    table.text('diff').nullable().comment('The change, for previews');
    table.text('summary').nullable().comment('The pull request description');
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .comment('Last change of the status');
    table.primary(['run_id', 'entity_ref']);
    table.index(
      ['check_id', 'entity_ref', 'updated_at'],
      'maturity_fleet_items_check_entity_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('maturity_fleet_items');
  await knex.schema.dropTable('maturity_fleet_runs');
};
