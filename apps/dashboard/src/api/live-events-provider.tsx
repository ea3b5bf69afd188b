import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { applyLiveEvent } from './live-cache';
import { type ConnectionState, LiveEventsConnection } from './live-events';

const ConnectionStateContext = createContext<ConnectionState>('closed');

export const useConnectionState = (): ConnectionState => useContext(ConnectionStateContext);

/**
 * Opens the tab's one SSE connection once the user is logged in and feeds it into the query
 * cache; reconnects when the tab becomes visible and closes when the page goes away (spec §8.2).
 */
export function LiveEventsProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const [state, setState] = useState<ConnectionState>('connecting');

  useEffect(() => {
    const connection = new LiveEventsConnection({
      createSource: (url) => new EventSource(url, { withCredentials: true }),
      onEvent: (event) => applyLiveEvent(client, event),
      onStateChange: setState,
    });
    const onVisible = (): void => {
      if (document.visibilityState === 'visible') connection.resume();
    };
    const onLeave = (): void => connection.stop();
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('pagehide', onLeave);
    connection.start();
    return () => {
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('pagehide', onLeave);
      connection.stop();
    };
  }, [client]);

  return <ConnectionStateContext.Provider value={state}>{children}</ConnectionStateContext.Provider>;
}
