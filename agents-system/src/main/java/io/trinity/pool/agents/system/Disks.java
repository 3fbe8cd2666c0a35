package io.trinity.pool.agents.system;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import oshi.software.os.OSFileStore;
import oshi.software.os.OperatingSystem;

/** Local file stores with their sizes; pseudo file systems of size 0 are left out as noise. */
final class Disks {

    private Disks() {
    }

    static List<Map<String, Object>> of(OperatingSystem os) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (OSFileStore store : os.getFileSystem().getFileStores(true)) {
            long total = store.getTotalSpace();
            if (total <= 0) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mount", store.getMount());
            m.put("name", store.getName());
            m.put("type", store.getType());
            m.put("totalBytes", total);
            m.put("usableBytes", store.getUsableSpace());
            out.add(m);
        }
        return out;
    }
}
