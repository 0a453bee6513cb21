// Verbatim copies of /work/shared/providers/*.json (checked against the originals by
// `embeddedFixturesMatchTheSharedFiles` when that folder exists), embedded because test resources
// would need a change to Package.swift.

enum ProviderFixtures {
    /// passage_connection_updated.json
    static let passage = Fixture(file: "passage_connection_updated.json", text: """
{
  "id": "evt_9b1f",
  "timestamp": "2025-01-01T12:34:56.000Z",
  "type": "Connection.Updated",
  "data": {
    "connectionId": "123",
    "status": "data_available",
    "resources": [
      {
        "type": "trip",
        "url": "https://api.getpassage.ai/connections/123/resources/trip",
        "status": "data_available",
        "operation": "read",
        "startedAt": "2025-01-01T00:00:00.000Z",
        "completedAt": "2025-01-01T00:01:00.000Z"
      },
      {
        "type": "account_info",
        "url": "https://api.getpassage.ai/connections/123/resources/account_info",
        "status": "data_available",
        "operation": "read",
        "startedAt": "2025-01-01T00:00:00.000Z",
        "completedAt": "2025-01-01T00:01:00.000Z"
      }
    ]
  }
}

""")

    /// fusionauth_user_create.json
    static let fusionAuthUserCreate = Fixture(file: "fusionauth_user_create.json", text: """
{
  "event": {
    "createInstant": 1505762615056,
    "id": "e502168a-b469-45d9-a079-fd45f83e0406",
    "tenantId": "e872a880-b14f-6d62-c312-cb40f22af465",
    "type": "user.create",
    "user": {
      "active": true,
      "email": "example@fusionauth.io",
      "id": "00000000-0000-0001-0000-000000000000",
      "passwordChangeRequired": false,
      "registrations": [
        {
          "applicationId": "10000000-0000-0002-0000-000000000001",
          "id": "00000000-0000-0002-0000-000000000000",
          "insertInstant": 1446064706250,
          "roles": [
            "user"
          ],
          "usernameStatus": "ACTIVE"
        }
      ],
      "tenantId": "f24aca2b-ce4a-4dad-951a-c9d690e71415",
      "twoFactorEnabled": false,
      "usernameStatus": "ACTIVE",
      "verified": true
    }
  }
}

""")

    /// fusionauth_user_delete.json
    static let fusionAuthUserDelete = Fixture(file: "fusionauth_user_delete.json", text: """
{
  "event": {
    "createInstant": 1505762615056,
    "id": "e502168a-b469-45d9-a079-fd45f83e0406",
    "info": {
      "ipAddress": "42.42.42.42",
      "location": {
        "city": "Denver",
        "country": "US",
        "displayString": "Denver, CO, US",
        "latitude": 39.77777,
        "longitude": -104.9191,
        "region": "CO"
      },
      "userAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/92.0.4515.131 Safari/537.36"
    },
    "tenantId": "e872a880-b14f-6d62-c312-cb40f22af465",
    "type": "user.delete",
    "user": {
      "active": true,
      "connectorId": "e3306678-a53a-4964-9040-1c96f36dda72",
      "email": "example@fusionauth.io",
      "id": "00000000-0000-0001-0000-000000000000",
      "lastLoginInstant": 1471786483322,
      "passwordChangeRequired": false,
      "passwordLastUpdateInstant": 1471786483322,
      "registrations": [
        {
          "applicationId": "10000000-0000-0002-0000-000000000001",
          "id": "00000000-0000-0002-0000-000000000000",
          "insertInstant": 1446064706250,
          "lastLoginInstant": 1456064601291,
          "roles": [
            "user"
          ],
          "usernameStatus": "ACTIVE"
        }
      ],
      "tenantId": "f24aca2b-ce4a-4dad-951a-c9d690e71415",
      "twoFactorEnabled": false,
      "usernameStatus": "ACTIVE",
      "verified": true
    }
  }
}

""")

    /// ethpass_pass_expire.json
    static let ethpass = Fixture(file: "ethpass_pass_expire.json", text: """
{
  "event": "pass:expire",
  "result": {
    "id": "2f8210ee-4f02-4966-9529-745d80116718",
    "barcodeSignature": "0x02c954980025cfc61a0f78b938173c0eda776103c896f44fc5ba5941933dd9c96891e0fef78f1aecf0eb09ec34d0bd74f2f1627329d6afa88dfadeac8ae049871c",
    "platform": "google",
    "ownerAddress": "0xF888f4fAad70F542a80176f8b63438402C937473",
    "createdAt": "2022-10-27T21:57:38.520137+00:00",
    "expiredAt": "2022-10-27T21:58:03.158+00:00",
    "expireAction": "USER_REVOKE",
    "lastScannedAt": "2022-10-27T21:58:01.822+00:00",
    "chain": {
      "name": "evm",
      "network": "1"
    },
    "registrations": [
      {
        "id": "07a39167-6484-4ce8-b485-84eb41a5cd5b",
        "createdAt": "2022-10-27T21:56:30.026695+00:00",
        "deletedAt": null
      }
    ]
  }
}

""")

    /// passfort_product_status_changed.json
    static let passFort = Fixture(file: "passfort_product_status_changed.json", text: """
{
  "id": "33bae6b8-5689-b96b-143c-06e93ab8527e",
  "event": "PRODUCT_STATUS_CHANGED",
  "secret": "yourSecret",
  "timestamp": 1568997222,
  "data": {
    "apikey": {
      "name": "KEY_NAME"
    },
    "application_id": "b0ce7c17-2cab-86e7-9a83-ebee0d4d5dc8",
    "customer_ref": null,
    "new_status": "CANCELLED",
    "product": {
      "alias": "forexo_basic",
      "id": "edc23993-eb6a-9d89-bb79-5b8925b33224",
      "name": "Forexo Basic Account"
    },
    "profile_id": "a2c4393a-e219-67a4-5ab4-2186952e9038",
    "user": {
      "email": "morgan.rose@forexo.com",
      "id": "ec1565b6-82c7-0577-8b3a-94462b67c97a",
      "name": "Morgan Rose"
    }
  }
}

""")

    /// standard_webhooks_example_event.json
    static let standardWebhooks = Fixture(file: "standard_webhooks_example_event.json", text: """
{
  "type": "example.event",
  "timestamp": "2022-11-03T20:26:10.344522Z",
  "data": {
    "foo": "bar",
    "fizzbuzz": 2
  }
}

""")

    static let all = [passage, fusionAuthUserCreate, fusionAuthUserDelete, ethpass, passFort, standardWebhooks]
}
