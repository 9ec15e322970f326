package io.digitstream.console.web;

import io.digitstream.console.feed.ClusterWatch;
import io.digitstream.console.live.LiveView;

/**
 * What the page's header and live view show, pushed a few times a second.
 *
 * @param feedCaughtUp        whether the console has read the history topics to their end
 * @param unreadableRecords   records the console skipped as unreadable
 * @param drawingsWaiting     drawings sent and not yet answered
 * @param modelName           the model this console follows
 */
public record ConsoleState(
        long now,
        String modelName,
        ClusterWatch.Status cluster,
        boolean feedCaughtUp,
        long unreadableRecords,
        int drawingsWaiting,
        LiveView live) {}
