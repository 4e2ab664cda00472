import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ids, startRig, type TestRig } from '../testing/test-sandbox.js';

let rig: TestRig;
beforeEach(async () => {
  rig = await startRig();
});
afterEach(async () => rig.close());

const token = `access_token=${ids.pageToken}`;

describe('User Profile API', () => {
  it('returns the requested fields and an expiring picture; 2018218 without a profile', async () => {
    const profile = await rig.graph(
      'GET',
      `/v23.0/${ids.psid}?fields=first_name,last_name,profile_pic&${token}`,
    );
    expect(profile.body).toEqual({
      first_name: 'Peter',
      last_name: 'Chang',
      profile_pic: expect.any(String),
      id: ids.psid,
    });
    const picture = await fetch(profile.body.profile_pic as string);
    expect(picture.status).toBe(200);
    expect(picture.headers.get('content-type')).toMatch(/^image\//);
    rig.sandbox.advanceClock(25 * 3600_000);
    expect((await fetch(profile.body.profile_pic as string)).status).toBe(403);

    rig.sandbox.addMessengerCustomer({
      psid: '888',
      firstName: 'No',
      lastName: 'Profile',
      profileAvailable: false,
    });
    const none = await rig.graph('GET', `/v23.0/888?fields=first_name&${token}`);
    expect(none.status).toBe(400);
    expect(none.body.error).toMatchObject({ code: 100, error_subcode: 2018218 });
    const noToken = await rig.graph('GET', `/v23.0/${ids.psid}?fields=first_name`);
    expect(noToken.body.error.code).toBe(190);
  });
});
