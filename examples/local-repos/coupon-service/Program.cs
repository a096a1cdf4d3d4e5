using Npgsql;
using Prometheus;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSingleton(_ =>
    NpgsqlDataSource.Create(builder.Configuration["PAYMENTS_DB"]
        ?? throw new InvalidOperationException("PAYMENTS_DB is required")));
builder.Services.AddHealthChecks();

var app = builder.Build();
app.UseHttpMetrics();
app.MapHealthChecks("/healthz");
app.MapMetrics();

var redeemed = Metrics.CreateCounter("coupons_redeemed_total", "Coupons redeemed");

app.MapPost("/coupons/{code}/validate", async (string code, Basket basket, NpgsqlDataSource db) =>
{
    var campaign = await Campaigns.Find(db, code);
    if (campaign is null || !campaign.IsOpen(DateTimeOffset.UtcNow))
        return Results.NotFound(new { error = $"no open campaign for code {code}" });
    return Results.Ok(new { code, discountCents = campaign.DiscountFor(basket.BasketCents) });
});

app.MapPost("/coupons/{code}/redeem", async (string code, NpgsqlDataSource db) =>
{
    // One statement: the limit holds when two checkouts redeem at once.
    await using var cmd = db.CreateCommand(
        "update campaigns set redemptions = redemptions + 1 " +
        "where code = $1 and redemptions < redemption_limit and now() between starts_at and ends_at");
    cmd.Parameters.AddWithValue(code);
    if (await cmd.ExecuteNonQueryAsync() == 0)
        return Results.Conflict(new { error = $"code {code} cannot be redeemed" });
    redeemed.Inc();
    return Results.NoContent();
});

app.Run("http://0.0.0.0:8080");

record Basket(long BasketCents);

record Campaign(string Code, int PercentOff, long AmountOffCents, DateTimeOffset StartsAt, DateTimeOffset EndsAt)
{
    public bool IsOpen(DateTimeOffset now) => now >= StartsAt && now <= EndsAt;

    public long DiscountFor(long basketCents) =>
        Math.Min(basketCents, PercentOff > 0 ? basketCents * PercentOff / 100 : AmountOffCents);
}

static class Campaigns
{
    public static async Task<Campaign?> Find(NpgsqlDataSource db, string code)
    {
        await using var cmd = db.CreateCommand(
            "select code, percent_off, amount_off_cents, starts_at, ends_at from campaigns where code = $1");
        cmd.Parameters.AddWithValue(code);
        await using var reader = await cmd.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) return null;
        return new Campaign(reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2),
            reader.GetFieldValue<DateTimeOffset>(3), reader.GetFieldValue<DateTimeOffset>(4));
    }
}
