package api

// chimeHandlers returns the operations Belfry carries out, by their names in
// the model: all of them, as TestHandlersMatchModel checks.
func chimeHandlers() map[string]handler {
	return map[string]handler{
		"CreateAccount":        createAccount,
		"GetAccount":           getAccount,
		"ListAccounts":         listAccounts,
		"InviteUsers":          inviteUsers,
		"CreateUser":           createUser,
		"GetUser":              getUser,
		"ListUsers":            listUsers,
		"CreateRoom":           createRoom,
		"GetRoom":              getRoom,
		"ListRooms":            listRooms,
		"CreateRoomMembership": createRoomMembership,
		"ListRoomMemberships":  listRoomMemberships,

		"UpdateRoom":                updateRoom,
		"DeleteRoom":                deleteRoom,
		"BatchCreateRoomMembership": batchCreateRoomMembership,
		"UpdateRoomMembership":      updateRoomMembership,
		"DeleteRoomMembership":      deleteRoomMembership,

		"RedactRoomMessage":         redactRoomMessage,
		"RedactConversationMessage": redactConversationMessage,

		"UpdateAccount":         updateAccount,
		"DeleteAccount":         deleteAccount,
		"GetAccountSettings":    getAccountSettings,
		"UpdateAccountSettings": updateAccountSettings,
		"GetRetentionSettings":  getRetentionSettings,
		"PutRetentionSettings":  putRetentionSettings,
		"UpdateUser":            updateUser,
		"BatchUpdateUser":       batchUpdateUser,
		"BatchSuspendUser":      batchSuspendUser,
		"BatchUnsuspendUser":    batchUnsuspendUser,
		"LogoutUser":            logoutUser,
		"ResetPersonalPIN":      resetPersonalPIN,
		"GetUserSettings":       getUserSettings,
		"UpdateUserSettings":    updateUserSettings,

		"CreateBot":               createBot,
		"GetBot":                  getBot,
		"ListBots":                listBots,
		"UpdateBot":               updateBot,
		"RegenerateSecurityToken": regenerateSecurityToken,

		"PutEventsConfiguration":    putEventsConfiguration,
		"GetEventsConfiguration":    getEventsConfiguration,
		"DeleteEventsConfiguration": deleteEventsConfiguration,

		"AssociateSigninDelegateGroupsWithAccount":    associateSigninDelegateGroups,
		"DisassociateSigninDelegateGroupsFromAccount": disassociateSigninDelegateGroups,

		"GetGlobalSettings":                 getGlobalSettings,
		"UpdateGlobalSettings":              updateGlobalSettings,
		"GetPhoneNumberSettings":            getPhoneNumberSettings,
		"UpdatePhoneNumberSettings":         updatePhoneNumberSettings,
		"CreateMeetingDialOut":              createMeetingDialOut,
		"SearchAvailablePhoneNumbers":       searchAvailablePhoneNumbers,
		"ListSupportedPhoneNumberCountries": listSupportedPhoneNumberCountries,
		"CreatePhoneNumberOrder":            createPhoneNumberOrder,
		"GetPhoneNumberOrder":               getPhoneNumberOrder,
		"ListPhoneNumberOrders":             listPhoneNumberOrders,
		"GetPhoneNumber":                    getPhoneNumber,
		"ListPhoneNumbers":                  listPhoneNumbers,
		"UpdatePhoneNumber":                 updatePhoneNumber,
		"BatchUpdatePhoneNumber":            batchUpdatePhoneNumber,
		"DeletePhoneNumber":                 deletePhoneNumber,
		"BatchDeletePhoneNumber":            batchDeletePhoneNumber,
		"RestorePhoneNumber":                restorePhoneNumber,
		"AssociatePhoneNumberWithUser":      associatePhoneNumberWithUser,
		"DisassociatePhoneNumberFromUser":   disassociatePhoneNumberFromUser,
	}
}
