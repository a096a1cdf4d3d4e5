/*
 * Nudges about checks that started failing: the day's regressions per
 * owning team, so that several cycles on one day update a single
 * notification per team that lists all of them, on every replica.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('maturity_regression_nudges', table => {
    table.comment('Checks that went from pass to fail, per team and day');
    table.string('owner_ref', 255).notNullable().comment('The owning group');
    table.string('day', 10).notNullable().comment('UTC day, YYYY-MM-DD');
    table.string('entity_ref', 255).notNullable().comment('The service');
    table.string('check_id', 128).notNullable().comment('The check');
    table.primary(['owner_ref', 'day', 'entity_ref', 'check_id']);
    table.index(['day'], 'maturity_regression_nudges_day_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('maturity_regression_nudges');
};
