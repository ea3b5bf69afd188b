import { InvalidError, NotFoundError, UnavailableError } from '@lcm/integrations/http';
import { LdsFake, LdsFakeDeployments } from './lds.fake';

describe('LdsFake', () => {
  it('walks the provisioning sequence: create, set devices, launch URL, release', async () => {
    const lds = new LdsFake();
    const { session_id } = await lds.createSessionWithPart({ username: 'cand', timeslot_start: new Date('2026-01-02T10:00:00Z'), form_qualified_name: 'F' });
    await lds.setDevices(session_id, [{ device_label: 'r1', protocol: 'telnet', host: 'h', port: 5041 }]);
    await expect(lds.getLaunchUrl(session_id)).resolves.toContain('/lablet/launch?token=');
    await expect(lds.getSession(session_id)).resolves.toMatchObject({ state: 'SESSION_PENDING', session_parts: [{ form_qualified_name: 'F' }] });
    await lds.releaseSession(session_id);
    await expect(lds.getSession(session_id)).resolves.toMatchObject({ state: 'SESSION_ARCHIVED' });
    expect(lds.recorder.operations()).toEqual(['createSessionWithPart', 'setDevices', 'getLaunchUrl', 'getSession', 'releaseSession', 'getSession']);
  });

  it('rejects duplicate labels and unknown protocols like LDS does', async () => {
    const lds = new LdsFake();
    const { session_id } = await lds.createSessionWithPart({ username: 'c', timeslot_start: new Date(), form_qualified_name: 'F' });
    const device = { device_label: 'r1', protocol: 'telnet', host: 'h', port: 1 };
    await expect(lds.setDevices(session_id, [device, device])).rejects.toBeInstanceOf(InvalidError);
    await expect(lds.setDevices(session_id, [{ ...device, protocol: 'ftp' }])).rejects.toBeInstanceOf(InvalidError);
  });

  it('answers NotFound for unknown sessions and throws injected failures', async () => {
    const lds = new LdsFake();
    await expect(lds.getSession('nope')).rejects.toBeInstanceOf(NotFoundError);
    const outage = new UnavailableError({ system: 'lds', operation: 'releaseSession', status: 503 });
    lds.recorder.failNext('releaseSession', outage);
    await expect(lds.releaseSession('nope')).rejects.toBe(outage);
  });
});

describe('LdsFakeDeployments', () => {
  it('keeps one fake per region and falls back to the default', () => {
    const deployments = new LdsFakeDeployments(['us-east-1', 'eu-west-1'], 'us-east-1');
    expect(deployments.forRegion('eu-west-1').client).toBe(deployments.forRegion('eu-west-1').client);
    expect(deployments.forRegion('ap-south-1').region).toBe('us-east-1');
  });
});
