package io.trinity.pool.internal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The tasks accepted and not yet final, in acceptance order: a list linked through two fields of
 * each {@link TaskRecord}, so adding and removing a task (once each per task, on the loop)
 * allocates nothing, where a {@code LinkedHashSet} allocated an entry per task. Loop-only.
 */
final class LiveTasks implements Iterable<TaskRecord> {

    private TaskRecord head;
    private TaskRecord tail;
    private int size;

    void add(TaskRecord r) {
        if (r.live) {
            return;
        }
        r.live = true;
        r.livePrev = tail;
        r.liveNext = null;
        if (tail == null) {
            head = r;
        } else {
            tail.liveNext = r;
        }
        tail = r;
        size++;
    }

    void remove(TaskRecord r) {
        if (!r.live) {
            return;
        }
        r.live = false;
        if (r.livePrev == null) {
            head = r.liveNext;
        } else {
            r.livePrev.liveNext = r.liveNext;
        }
        if (r.liveNext == null) {
            tail = r.livePrev;
        } else {
            r.liveNext.livePrev = r.livePrev;
        }
        r.livePrev = null;
        r.liveNext = null;
        size--;
    }

    boolean contains(TaskRecord r) {
        return r.live;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** A copy, for walks that end tasks (and so remove them) as they go. */
    List<TaskRecord> copy() {
        List<TaskRecord> out = new ArrayList<>(size);
        for (TaskRecord r : this) {
            out.add(r);
        }
        return out;
    }

    @Override
    public Iterator<TaskRecord> iterator() {
        return new Iterator<>() {
            private TaskRecord next = head;

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public TaskRecord next() {
                if (next == null) {
                    throw new NoSuchElementException("no more live tasks");
                }
                TaskRecord r = next;
                next = r.liveNext;
                return r;
            }
        };
    }
}
