package io.trinity.pool.journal.jdbc;

import io.trinity.pool.journal.JournalRecord.ResourceUsed;
import io.trinity.pool.journal.JournalRecord.SpendTotal;
import io.trinity.pool.journal.JournalRecord.StrategySaved;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the pool state besides tasks (schema 2) back at load: each tenant's spend per
 * resource, the paced resources' recent use (all rows the retention left, oldest first; the
 * pool drops those past its window) and each strategy's newest state.
 */
final class PoolStateReader {

    private final Database db;

    PoolStateReader(Database db) {
        this.db = db;
    }

    List<SpendTotal> spend() {
        return query("SELECT tenant, resource, tokens, updated_at FROM tenant_spend ORDER BY tenant, resource",
                rs -> new SpendTotal(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4)));
    }

    List<ResourceUsed> resourceUse() {
        return query("SELECT resource, requests, tokens, at FROM resource_use ORDER BY at, id",
                rs -> new ResourceUsed(rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getLong(4)));
    }

    List<StrategySaved> strategies() {
        return query("SELECT strategy, state_json, clock_nanos, saved_at FROM strategy_state ORDER BY strategy",
                rs -> new StrategySaved(rs.getString(1), Json.map(rs.getString(2)), rs.getLong(3), rs.getLong(4)));
    }

    private interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private <T> List<T> query(String sql, Row<T> row) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            List<T> out = new ArrayList<>();
            while (rs.next()) {
                out.add(row.map(rs));
            }
            return out;
        } catch (SQLException e) {
            throw Failures.read(db.name(), e);
        }
    }
}
